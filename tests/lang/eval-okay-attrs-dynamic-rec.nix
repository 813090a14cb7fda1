# dynamic names in rec can use other attributes
rec { n = "k"; ${n} = 5; }
