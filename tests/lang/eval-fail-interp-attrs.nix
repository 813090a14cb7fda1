# interpolating a set without outPath or __toString
"${{ a = 1; }}"
