# absolute paths inside lists print unquoted
[ /a/b /c ]
