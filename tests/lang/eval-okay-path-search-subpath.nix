# <dir/file> looks up a nested file
import <sub/deep.nix>
