# ./. is the directory of the file being evaluated
baseNameOf ./.
