# null equals null
null == null
