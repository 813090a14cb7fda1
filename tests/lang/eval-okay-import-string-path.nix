# import accepts a string holding an absolute path
import (toString ./lib/one.nix)
