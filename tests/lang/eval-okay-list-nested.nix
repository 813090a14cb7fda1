# nested lists
[ [ 1 [ 2 ] ] [ ] ]
