# a float with more digits than fit is rounded
123456.7
