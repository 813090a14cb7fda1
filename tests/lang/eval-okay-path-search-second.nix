# a file only in the second search path entry is found
import <only4.nix>
