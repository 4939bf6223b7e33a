# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_lamctl_global_optspecs
    string join \n profile= region= endpoint-url= output= q/quiet v/verbose color= c/config= connect-timeout= read-timeout= h/help V/version
end

function __fish_lamctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_lamctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_lamctl_using_subcommand
    set -l cmd (__fish_lamctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c lamctl -n "__fish_lamctl_needs_command" -l profile -d 'AWS profile from the shared config files [env: AWS_PROFILE]' -r
complete -c lamctl -n "__fish_lamctl_needs_command" -l region -d 'AWS region [env: AWS_REGION, AWS_DEFAULT_REGION]' -r
complete -c lamctl -n "__fish_lamctl_needs_command" -l endpoint-url -d 'Send every AWS call to this endpoint (an emulator such as moto or LocalStack) [env: AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>]' -r
complete -c lamctl -n "__fish_lamctl_needs_command" -l output -d 'Format of the result on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document (stable keys) on stdout'"
complete -c lamctl -n "__fish_lamctl_needs_command" -l color -d 'When to colour stderr; NO_COLOR in the environment means never unless \'always\'' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c lamctl -n "__fish_lamctl_needs_command" -s c -l config -d 'The function definition file [default: ./lamctl.toml when present]' -r -F
complete -c lamctl -n "__fish_lamctl_needs_command" -l connect-timeout -d 'How long to wait for a TCP connection to an AWS endpoint (e.g. 5s, 500ms)' -r
complete -c lamctl -n "__fish_lamctl_needs_command" -l read-timeout -d 'How long to wait for an AWS endpoint to answer one attempt of a call (e.g. 30s, 2m)' -r
complete -c lamctl -n "__fish_lamctl_needs_command" -s q -l quiet -d 'Print only the result and errors: no progress, no notes, no warnings'
complete -c lamctl -n "__fish_lamctl_needs_command" -s v -l verbose -d 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK\'s own'
complete -c lamctl -n "__fish_lamctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lamctl -n "__fish_lamctl_needs_command" -s V -l version -d 'Print version'
complete -c lamctl -n "__fish_lamctl_needs_command" -f -a "whoami" -d 'Show the resolved profile, region, endpoint and AWS identity, and where each came from'
complete -c lamctl -n "__fish_lamctl_needs_command" -f -a "package" -d 'Zip a directory deterministically and print its CodeSha256'
complete -c lamctl -n "__fish_lamctl_needs_command" -f -a "logs" -d 'Print a function\'s log events for a time window; -f follows new ones'
complete -c lamctl -n "__fish_lamctl_needs_command" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c lamctl -n "__fish_lamctl_needs_command" -f -a "man" -d 'Print the man page (roff) to stdout'
complete -c lamctl -n "__fish_lamctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c lamctl -n "__fish_lamctl_using_subcommand whoami" -l profile -d 'AWS profile from the shared config files [env: AWS_PROFILE]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand whoami" -l region -d 'AWS region [env: AWS_REGION, AWS_DEFAULT_REGION]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand whoami" -l endpoint-url -d 'Send every AWS call to this endpoint (an emulator such as moto or LocalStack) [env: AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand whoami" -l output -d 'Format of the result on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document (stable keys) on stdout'"
complete -c lamctl -n "__fish_lamctl_using_subcommand whoami" -l color -d 'When to colour stderr; NO_COLOR in the environment means never unless \'always\'' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c lamctl -n "__fish_lamctl_using_subcommand whoami" -s c -l config -d 'The function definition file [default: ./lamctl.toml when present]' -r -F
complete -c lamctl -n "__fish_lamctl_using_subcommand whoami" -l connect-timeout -d 'How long to wait for a TCP connection to an AWS endpoint (e.g. 5s, 500ms)' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand whoami" -l read-timeout -d 'How long to wait for an AWS endpoint to answer one attempt of a call (e.g. 30s, 2m)' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand whoami" -s q -l quiet -d 'Print only the result and errors: no progress, no notes, no warnings'
complete -c lamctl -n "__fish_lamctl_using_subcommand whoami" -s v -l verbose -d 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK\'s own'
complete -c lamctl -n "__fish_lamctl_using_subcommand whoami" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lamctl -n "__fish_lamctl_using_subcommand whoami" -s V -l version -d 'Print version'
complete -c lamctl -n "__fish_lamctl_using_subcommand package" -s o -l out -d 'Where to write the zip [default: .lamctl/NAME.zip beside lamctl.toml, else in .]' -r -F
complete -c lamctl -n "__fish_lamctl_using_subcommand package" -l exclude -d 'Leave out paths matching this gitignore-style glob (repeatable; after .lamctlignore)' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand package" -l include -d 'Put back paths matching this glob even when excluded (repeatable)' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand package" -l profile -d 'AWS profile from the shared config files [env: AWS_PROFILE]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand package" -l region -d 'AWS region [env: AWS_REGION, AWS_DEFAULT_REGION]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand package" -l endpoint-url -d 'Send every AWS call to this endpoint (an emulator such as moto or LocalStack) [env: AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand package" -l output -d 'Format of the result on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document (stable keys) on stdout'"
complete -c lamctl -n "__fish_lamctl_using_subcommand package" -l color -d 'When to colour stderr; NO_COLOR in the environment means never unless \'always\'' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c lamctl -n "__fish_lamctl_using_subcommand package" -s c -l config -d 'The function definition file [default: ./lamctl.toml when present]' -r -F
complete -c lamctl -n "__fish_lamctl_using_subcommand package" -l connect-timeout -d 'How long to wait for a TCP connection to an AWS endpoint (e.g. 5s, 500ms)' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand package" -l read-timeout -d 'How long to wait for an AWS endpoint to answer one attempt of a call (e.g. 30s, 2m)' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand package" -l keep-symlinks -d 'Store symbolic links as links instead of following them'
complete -c lamctl -n "__fish_lamctl_using_subcommand package" -l no-size-check -d 'Do not fail when the unzipped size is over Lambda\'s 250 MB limit'
complete -c lamctl -n "__fish_lamctl_using_subcommand package" -s q -l quiet -d 'Print only the result and errors: no progress, no notes, no warnings'
complete -c lamctl -n "__fish_lamctl_using_subcommand package" -s v -l verbose -d 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK\'s own'
complete -c lamctl -n "__fish_lamctl_using_subcommand package" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lamctl -n "__fish_lamctl_using_subcommand package" -s V -l version -d 'Print version'
complete -c lamctl -n "__fish_lamctl_using_subcommand logs" -l log-group -d 'Read this log group instead of a function\'s (makes no Lambda call)' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand logs" -l since -d 'Start of the window: a duration ago (30s, 5m, 2h, 1d) or a time (2024-05-01 12:00, RFC 3339); local time unless a zone is given' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand logs" -l until -d 'End of the window, in the same forms as --since [default: now; with -f: open]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand logs" -l filter -d 'Only events matching this CloudWatch filter pattern (passed through as written)' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand logs" -l request-id -d 'Only one invocation\'s lines, from its START to its REPORT line (with -f: until it reports)' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand logs" -l stream-prefix -d 'Only log streams whose name starts with PREFIX' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand logs" -l qualifier -d 'Only what this version ran (a number, $LATEST, or an alias of NAME)' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand logs" -l follow-for -d 'With -f: stop following after this long (e.g. 30s, 5m)' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand logs" -l poll-interval -d 'With -f: how often to poll when not using Live Tail; doubles while throttled [default: 1s]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand logs" -l format -d 'How each event is printed as text [default: short]' -r -f -a "short\t'Time and message'
detailed\t'Time, log stream and message'
raw\t'The message only, exactly as logged'"
complete -c lamctl -n "__fish_lamctl_using_subcommand logs" -l profile -d 'AWS profile from the shared config files [env: AWS_PROFILE]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand logs" -l region -d 'AWS region [env: AWS_REGION, AWS_DEFAULT_REGION]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand logs" -l endpoint-url -d 'Send every AWS call to this endpoint (an emulator such as moto or LocalStack) [env: AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand logs" -l output -d 'Format of the result on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document (stable keys) on stdout'"
complete -c lamctl -n "__fish_lamctl_using_subcommand logs" -l color -d 'When to colour stderr; NO_COLOR in the environment means never unless \'always\'' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c lamctl -n "__fish_lamctl_using_subcommand logs" -s c -l config -d 'The function definition file [default: ./lamctl.toml when present]' -r -F
complete -c lamctl -n "__fish_lamctl_using_subcommand logs" -l connect-timeout -d 'How long to wait for a TCP connection to an AWS endpoint (e.g. 5s, 500ms)' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand logs" -l read-timeout -d 'How long to wait for an AWS endpoint to answer one attempt of a call (e.g. 30s, 2m)' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand logs" -s f -l follow -d 'Keep printing new events as they arrive (Ctrl-C, --until or --follow-for ends it)'
complete -c lamctl -n "__fish_lamctl_using_subcommand logs" -l poll -d 'With -f: poll FilterLogEvents instead of using CloudWatch Live Tail'
complete -c lamctl -n "__fish_lamctl_using_subcommand logs" -s q -l quiet -d 'Print only the result and errors: no progress, no notes, no warnings'
complete -c lamctl -n "__fish_lamctl_using_subcommand logs" -s v -l verbose -d 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK\'s own'
complete -c lamctl -n "__fish_lamctl_using_subcommand logs" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lamctl -n "__fish_lamctl_using_subcommand logs" -s V -l version -d 'Print version'
complete -c lamctl -n "__fish_lamctl_using_subcommand completions" -l profile -d 'AWS profile from the shared config files [env: AWS_PROFILE]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand completions" -l region -d 'AWS region [env: AWS_REGION, AWS_DEFAULT_REGION]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand completions" -l endpoint-url -d 'Send every AWS call to this endpoint (an emulator such as moto or LocalStack) [env: AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand completions" -l output -d 'Format of the result on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document (stable keys) on stdout'"
complete -c lamctl -n "__fish_lamctl_using_subcommand completions" -l color -d 'When to colour stderr; NO_COLOR in the environment means never unless \'always\'' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c lamctl -n "__fish_lamctl_using_subcommand completions" -s c -l config -d 'The function definition file [default: ./lamctl.toml when present]' -r -F
complete -c lamctl -n "__fish_lamctl_using_subcommand completions" -l connect-timeout -d 'How long to wait for a TCP connection to an AWS endpoint (e.g. 5s, 500ms)' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand completions" -l read-timeout -d 'How long to wait for an AWS endpoint to answer one attempt of a call (e.g. 30s, 2m)' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand completions" -s q -l quiet -d 'Print only the result and errors: no progress, no notes, no warnings'
complete -c lamctl -n "__fish_lamctl_using_subcommand completions" -s v -l verbose -d 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK\'s own'
complete -c lamctl -n "__fish_lamctl_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lamctl -n "__fish_lamctl_using_subcommand completions" -s V -l version -d 'Print version'
complete -c lamctl -n "__fish_lamctl_using_subcommand man" -l profile -d 'AWS profile from the shared config files [env: AWS_PROFILE]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand man" -l region -d 'AWS region [env: AWS_REGION, AWS_DEFAULT_REGION]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand man" -l endpoint-url -d 'Send every AWS call to this endpoint (an emulator such as moto or LocalStack) [env: AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand man" -l output -d 'Format of the result on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document (stable keys) on stdout'"
complete -c lamctl -n "__fish_lamctl_using_subcommand man" -l color -d 'When to colour stderr; NO_COLOR in the environment means never unless \'always\'' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c lamctl -n "__fish_lamctl_using_subcommand man" -s c -l config -d 'The function definition file [default: ./lamctl.toml when present]' -r -F
complete -c lamctl -n "__fish_lamctl_using_subcommand man" -l connect-timeout -d 'How long to wait for a TCP connection to an AWS endpoint (e.g. 5s, 500ms)' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand man" -l read-timeout -d 'How long to wait for an AWS endpoint to answer one attempt of a call (e.g. 30s, 2m)' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand man" -s q -l quiet -d 'Print only the result and errors: no progress, no notes, no warnings'
complete -c lamctl -n "__fish_lamctl_using_subcommand man" -s v -l verbose -d 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK\'s own'
complete -c lamctl -n "__fish_lamctl_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lamctl -n "__fish_lamctl_using_subcommand man" -s V -l version -d 'Print version'
complete -c lamctl -n "__fish_lamctl_using_subcommand help; and not __fish_seen_subcommand_from whoami package logs completions man help" -f -a "whoami" -d 'Show the resolved profile, region, endpoint and AWS identity, and where each came from'
complete -c lamctl -n "__fish_lamctl_using_subcommand help; and not __fish_seen_subcommand_from whoami package logs completions man help" -f -a "package" -d 'Zip a directory deterministically and print its CodeSha256'
complete -c lamctl -n "__fish_lamctl_using_subcommand help; and not __fish_seen_subcommand_from whoami package logs completions man help" -f -a "logs" -d 'Print a function\'s log events for a time window; -f follows new ones'
complete -c lamctl -n "__fish_lamctl_using_subcommand help; and not __fish_seen_subcommand_from whoami package logs completions man help" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c lamctl -n "__fish_lamctl_using_subcommand help; and not __fish_seen_subcommand_from whoami package logs completions man help" -f -a "man" -d 'Print the man page (roff) to stdout'
complete -c lamctl -n "__fish_lamctl_using_subcommand help; and not __fish_seen_subcommand_from whoami package logs completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
