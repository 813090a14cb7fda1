# braces of an attribute set inside an interpolation
"${ { a = "v"; }.a }"
