# every escaped character printed in one string
"q\" b\\ n\n t\t r\r d\${"
