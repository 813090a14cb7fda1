# rec attributes may refer forwards
rec { x = y; y = 3; }.x
