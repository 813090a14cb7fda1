# __curPos.file names the current file
baseNameOf __curPos.file
