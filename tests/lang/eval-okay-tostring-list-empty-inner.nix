# an empty inner list adds no extra separator
toString [ 1 [ ] 2 ]
