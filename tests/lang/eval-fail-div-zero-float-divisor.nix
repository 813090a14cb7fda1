# division by float zero
1 / 0.0
