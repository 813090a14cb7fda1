# null is not false
null == false
