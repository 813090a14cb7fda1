# multiplying a Boolean
true * 2
