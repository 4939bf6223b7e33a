complete --keep-order --exclusive --command lamctl --arguments "(LAMCTL_COMPLETE=fish lamctl -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
