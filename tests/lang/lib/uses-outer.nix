# helper: refers to a name that is not in scope here
outerName
