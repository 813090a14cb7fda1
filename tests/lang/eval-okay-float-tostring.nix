# toString of a float uses six decimal places
toString 2.5
