# typeOf a Boolean
builtins.typeOf false
