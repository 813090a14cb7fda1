# __toString receives the set itself
toString { x = "inner"; __toString = self: self.x; }
