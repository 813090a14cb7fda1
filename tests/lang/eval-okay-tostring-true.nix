# toString true is "1"
toString true
