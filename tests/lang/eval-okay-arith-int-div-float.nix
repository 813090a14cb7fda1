# int divided by float does not truncate
7 / 2.0
