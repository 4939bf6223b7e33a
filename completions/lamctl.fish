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
complete -c lamctl -n "__fish_lamctl_needs_command" -f -a "invoke" -d 'Invoke a function: its response on stdout, its log tail (--tail) on stderr, exit 3 when it reports an error'
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
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -s p -l payload -d 'The event: inline JSON, @FILE, or - for standard input [default: standard input when it is not a terminal, else {}]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -l invocation-type -d 'How Lambda runs the function [default: request-response]' -r -f -a "request-response\t'Wait for the function and return its response (synchronous)'
event\t'Queue the event; Lambda answers 202 at once (asynchronous)'
dry-run\t'Check the parameters and permissions without running the function (204)'"
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -l qualifier -d 'Invoke this version or alias instead of $LATEST' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -l client-context -d 'A JSON object the function sees as its client context (synchronous invocations only)' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -s o -l out -d 'Write the response payload to FILE instead of stdout' -r -F
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -l parallel -d 'With --ndjson: how many invocations run at once [default: 1]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -l profile -d 'AWS profile from the shared config files [env: AWS_PROFILE]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -l region -d 'AWS region [env: AWS_REGION, AWS_DEFAULT_REGION]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -l endpoint-url -d 'Send every AWS call to this endpoint (an emulator such as moto or LocalStack) [env: AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -l output -d 'Format of the result on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document (stable keys) on stdout'"
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -l color -d 'When to colour stderr; NO_COLOR in the environment means never unless \'always\'' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -s c -l config -d 'The function definition file [default: ./lamctl.toml when present]' -r -F
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -l connect-timeout -d 'How long to wait for a TCP connection to an AWS endpoint (e.g. 5s, 500ms)' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -l read-timeout -d 'How long to wait for an AWS endpoint to answer one attempt of a call (e.g. 30s, 2m)' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -l raw -d 'Send the payload bytes as they are, without checking that they are JSON'
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -l async -d 'Queue the event and return at once (short for --invocation-type event)'
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -s t -l tail -d 'Print the function\'s log tail (Lambda\'s last 4 KB) to stderr'
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -l pretty -d 'Pretty-print a JSON response (the default when stdout is a terminal)'
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -l ndjson -d 'Invoke once per line of the input (newline-delimited JSON) and print one JSON result line per invocation, in input order'
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -l stream -d 'Use InvokeWithResponseStream and write the response as it arrives (for functions that stream their response)'
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -s q -l quiet -d 'Print only the result and errors: no progress, no notes, no warnings'
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -s v -l verbose -d 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK\'s own'
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -s V -l version -d 'Print version'
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
complete -c lamctl -n "__fish_lamctl_using_subcommand help; and not __fish_seen_subcommand_from whoami package invoke completions man help" -f -a "whoami" -d 'Show the resolved profile, region, endpoint and AWS identity, and where each came from'
complete -c lamctl -n "__fish_lamctl_using_subcommand help; and not __fish_seen_subcommand_from whoami package invoke completions man help" -f -a "package" -d 'Zip a directory deterministically and print its CodeSha256'
complete -c lamctl -n "__fish_lamctl_using_subcommand help; and not __fish_seen_subcommand_from whoami package invoke completions man help" -f -a "invoke" -d 'Invoke a function: its response on stdout, its log tail (--tail) on stderr, exit 3 when it reports an error'
complete -c lamctl -n "__fish_lamctl_using_subcommand help; and not __fish_seen_subcommand_from whoami package invoke completions man help" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c lamctl -n "__fish_lamctl_using_subcommand help; and not __fish_seen_subcommand_from whoami package invoke completions man help" -f -a "man" -d 'Print the man page (roff) to stdout'
complete -c lamctl -n "__fish_lamctl_using_subcommand help; and not __fish_seen_subcommand_from whoami package invoke completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
