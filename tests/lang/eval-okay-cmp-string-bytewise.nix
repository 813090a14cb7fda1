# string comparison is bytewise, so upper case sorts first
"B" < "a"
