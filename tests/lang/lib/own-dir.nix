# helper: names the directory this file lives in
baseNameOf ./.
