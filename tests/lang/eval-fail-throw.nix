# throw raises an error with its message
throw "custom failure"
