# several strings concatenated
"a" + "b" + "c" + ""
