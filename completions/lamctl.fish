complete --keep-order --exclusive --command lamctl --arguments "(COMPLETE=fish lamctl -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
