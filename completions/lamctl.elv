
set edit:completion:arg-completer[lamctl] = { |@words|
    var index = (count $words)
    set index = (- $index 1)

    put (env _CLAP_IFS="\n" _CLAP_COMPLETE_INDEX=(to-string $index) LAMCTL_COMPLETE="elvish" lamctl -- $@words) | to-lines
}

