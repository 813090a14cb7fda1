# interpolation nested inside an interpolated string
"a${"b${"c"}d"}e"
