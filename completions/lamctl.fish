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
complete -c lamctl -n "__fish_lamctl_needs_command" -f -a "deploy" -d 'Package and create or update the function; publish, alias, concurrency, function URL'
complete -c lamctl -n "__fish_lamctl_needs_command" -f -a "serve" -d 'Run the function on this machine (no Docker) and serve the Lambda Invoke API for it'
complete -c lamctl -n "__fish_lamctl_needs_command" -f -a "logs" -d 'Print a function\'s log events for a time window; -f follows new ones'
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
complete -c lamctl -n "__fish_lamctl_using_subcommand package" -l no-cache -d 'Compress everything afresh: neither read nor write the package cache (LAMCTL_CACHE_DIR, default ~/.cache/lamctl)'
complete -c lamctl -n "__fish_lamctl_using_subcommand package" -s q -l quiet -d 'Print only the result and errors: no progress, no notes, no warnings'
complete -c lamctl -n "__fish_lamctl_using_subcommand package" -s v -l verbose -d 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK\'s own'
complete -c lamctl -n "__fish_lamctl_using_subcommand package" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lamctl -n "__fish_lamctl_using_subcommand package" -s V -l version -d 'Print version'
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l function -d 'The function\'s name [lamctl.toml: name]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l runtime -d 'Runtime identifier, e.g. python3.12, nodejs20.x, provided.al2023 [lamctl.toml: runtime]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l handler -d 'Handler, e.g. app.handler [lamctl.toml: handler]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l role -d 'Execution role ARN [lamctl.toml: role]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l memory -d 'Memory in MB, 128-10240 [lamctl.toml: memory]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l timeout -d 'Timeout in seconds, 1-900 [lamctl.toml: timeout]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l architecture -d 'Instruction set [lamctl.toml: architecture]' -r -f -a "x86_64\t''
arm64\t''"
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l description -d 'Description [lamctl.toml: description]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l env -d 'Environment variable, repeatable; overrides the file\'s [environment] entry of the same key' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l env-file -d 'A dotenv file of environment variables (KEY=VALUE lines) [lamctl.toml: env_file]' -r -F
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l layer -d 'Layer ARN, repeatable; replaces the file\'s list [lamctl.toml: layers]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l tag -d 'Tag, repeatable; overrides the file\'s [tags] entry of the same key' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l ephemeral-storage -d 'Ephemeral /tmp storage in MB, 512-10240 [lamctl.toml: ephemeral_storage]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l log-format -d 'Log format [lamctl.toml: log_format]' -r -f -a "text\t''
json\t''"
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l log-group -d 'Custom CloudWatch log group [lamctl.toml: log_group]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -s o -l out -d 'Where to write the zip [default: .lamctl/NAME.zip beside lamctl.toml, else in .]' -r -F
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l exclude -d 'Leave out paths matching this gitignore-style glob (repeatable; after .lamctlignore)' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l include -d 'Put back paths matching this glob even when excluded (repeatable)' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l s3-bucket -d 'Upload the zip through this S3 bucket (automatic over 50 MB) [lamctl.toml: deploy.s3_bucket]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l s3-key -d 'The S3 key [default: lamctl/FUNCTION/SHA256HEX.zip] [lamctl.toml: deploy.s3_key]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l alias -d 'Create or move this alias to the new version (implies --publish) [lamctl.toml: deploy.alias]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l canary -d 'Keep the alias on its current version and route PERCENT of traffic to the new one' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l keep-versions -d 'Delete versions older than the newest N, never one an alias uses [lamctl.toml: deploy.keep_versions]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l concurrency -d 'Set reserved concurrency [lamctl.toml: deploy.concurrency]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l provisioned -d 'Set provisioned concurrency on the alias and wait until it is ready [lamctl.toml: deploy.provisioned]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l url-auth -d 'Who may call the URL [default: aws-iam]' -r -f -a "none\t''
aws-iam\t''"
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l cors-origin -d 'An allowed CORS origin (repeatable)' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l cors-method -d 'An allowed CORS method (repeatable)' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l cors-header -d 'An allowed CORS header (repeatable)' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l cors-max-age -d 'How long browsers may cache the CORS preflight, in seconds' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l invoke-mode -d 'How the URL returns responses [default: buffered]' -r -f -a "buffered\t''
response-stream\t''"
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l profile -d 'AWS profile from the shared config files [env: AWS_PROFILE]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l region -d 'AWS region [env: AWS_REGION, AWS_DEFAULT_REGION]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l endpoint-url -d 'Send every AWS call to this endpoint (an emulator such as moto or LocalStack) [env: AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l output -d 'Format of the result on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document (stable keys) on stdout'"
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l color -d 'When to colour stderr; NO_COLOR in the environment means never unless \'always\'' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -s c -l config -d 'The function definition file [default: ./lamctl.toml when present]' -r -F
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l connect-timeout -d 'How long to wait for a TCP connection to an AWS endpoint (e.g. 5s, 500ms)' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l read-timeout -d 'How long to wait for an AWS endpoint to answer one attempt of a call (e.g. 30s, 2m)' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l keep-symlinks -d 'Store symbolic links as links instead of following them'
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l no-size-check -d 'Do not fail when the unzipped size is over Lambda\'s 250 MB limit'
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l no-cache -d 'Compress everything afresh: neither read nor write the package cache (LAMCTL_CACHE_DIR, default ~/.cache/lamctl)'
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l create-role -d 'Create (or reuse) a basic execution role with AWSLambdaBasicExecutionRole when no role is given'
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l force -d 'Upload the code even when its CodeSha256 equals the deployed one'
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l publish -d 'Publish a version of exactly what was deployed [lamctl.toml: deploy.publish]'
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l no-concurrency -d 'Remove reserved concurrency'
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l url -d 'Create or update the function URL [lamctl.toml: [deploy.url]]'
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l no-url -d 'Remove the function URL and its public permissions'
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l cors-credentials -d 'Allow credentials (cookies) in CORS requests'
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -l dry-run -d 'Read the deployed state and print the plan; change nothing'
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -s q -l quiet -d 'Print only the result and errors: no progress, no notes, no warnings'
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -s v -l verbose -d 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK\'s own'
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lamctl -n "__fish_lamctl_using_subcommand deploy" -s V -l version -d 'Print version'
complete -c lamctl -n "__fish_lamctl_using_subcommand serve" -l port -d 'Port to listen on, on 127.0.0.1; 0 picks a free one (the port is printed on stdout)' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand serve" -l dir -d 'The function\'s code directory (its task root) [default: `source` in lamctl.toml, else .]' -r -F
complete -c lamctl -n "__fish_lamctl_using_subcommand serve" -l function -d 'The function\'s name [lamctl.toml: name; default: the directory\'s name]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand serve" -l runtime -d 'Runtime: python3.x, nodejs*, provided.al2023 or provided.al2 [lamctl.toml: runtime]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand serve" -l handler -d 'Handler, e.g. app.handler [lamctl.toml: handler]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand serve" -l timeout -d 'Timeout in seconds, 1-900 [lamctl.toml: timeout; default: 3]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand serve" -l memory -d 'Memory in MB, 128-10240, as reported to the function [lamctl.toml: memory; default: 128]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand serve" -l env -d 'Environment variable, repeatable; overrides the file\'s [environment] entry of the same key' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand serve" -l env-file -d 'A dotenv file of environment variables (KEY=VALUE lines) [lamctl.toml: env_file]' -r -F
complete -c lamctl -n "__fish_lamctl_using_subcommand serve" -l runtime-client -d 'Which runtime client runs a Python handler: lamctl\'s embedded one, or AWS\'s `awslambdaric` (must be importable by the python3 on PATH)' -r -f -a "embedded\t'lamctl\'s own small runtime client (standard library only)'
official\t'AWS\'s official client: Python\'s awslambdaric'"
complete -c lamctl -n "__fish_lamctl_using_subcommand serve" -l profile -d 'AWS profile from the shared config files [env: AWS_PROFILE]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand serve" -l region -d 'AWS region [env: AWS_REGION, AWS_DEFAULT_REGION]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand serve" -l endpoint-url -d 'Send every AWS call to this endpoint (an emulator such as moto or LocalStack) [env: AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand serve" -l output -d 'Format of the result on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document (stable keys) on stdout'"
complete -c lamctl -n "__fish_lamctl_using_subcommand serve" -l color -d 'When to colour stderr; NO_COLOR in the environment means never unless \'always\'' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t''
never\t''"
complete -c lamctl -n "__fish_lamctl_using_subcommand serve" -s c -l config -d 'The function definition file [default: ./lamctl.toml when present]' -r -F
complete -c lamctl -n "__fish_lamctl_using_subcommand serve" -l connect-timeout -d 'How long to wait for a TCP connection to an AWS endpoint (e.g. 5s, 500ms)' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand serve" -l read-timeout -d 'How long to wait for an AWS endpoint to answer one attempt of a call (e.g. 30s, 2m)' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand serve" -l watch -d 'Restart the function when a file in its directory (or its lamctl.toml) changes'
complete -c lamctl -n "__fish_lamctl_using_subcommand serve" -s q -l quiet -d 'Print only the result and errors: no progress, no notes, no warnings'
complete -c lamctl -n "__fish_lamctl_using_subcommand serve" -s v -l verbose -d 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK\'s own'
complete -c lamctl -n "__fish_lamctl_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c lamctl -n "__fish_lamctl_using_subcommand serve" -s V -l version -d 'Print version'
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
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -s p -l payload -d 'The event: inline JSON, @FILE, or - for standard input [default: standard input when it is not a terminal, else {}]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -l invocation-type -d 'How Lambda runs the function [default: request-response]' -r -f -a "request-response\t'Wait for the function and return its response (synchronous)'
event\t'Queue the event; Lambda answers 202 at once (asynchronous)'
dry-run\t'Check the parameters and permissions without running the function (204)'"
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -l qualifier -d 'Invoke this version or alias instead of $LATEST' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -l client-context -d 'A JSON object the function sees as its client context (synchronous invocations only)' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -s o -l out -d 'Write the response payload to FILE instead of stdout' -r -F
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -l parallel -d 'With --ndjson: how many invocations run at once [default: 1]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -l dir -d 'The function\'s code directory (its task root) [default: `source` in lamctl.toml, else .]' -r -F
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -l function -d 'The function\'s name [lamctl.toml: name; default: the directory\'s name]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -l runtime -d 'Runtime: python3.x, nodejs*, provided.al2023 or provided.al2 [lamctl.toml: runtime]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -l handler -d 'Handler, e.g. app.handler [lamctl.toml: handler]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -l timeout -d 'Timeout in seconds, 1-900 [lamctl.toml: timeout; default: 3]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -l memory -d 'Memory in MB, 128-10240, as reported to the function [lamctl.toml: memory; default: 128]' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -l env -d 'Environment variable, repeatable; overrides the file\'s [environment] entry of the same key' -r
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -l env-file -d 'A dotenv file of environment variables (KEY=VALUE lines) [lamctl.toml: env_file]' -r -F
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -l runtime-client -d 'Which runtime client runs a Python handler: lamctl\'s embedded one, or AWS\'s `awslambdaric` (must be importable by the python3 on PATH)' -r -f -a "embedded\t'lamctl\'s own small runtime client (standard library only)'
official\t'AWS\'s official client: Python\'s awslambdaric'"
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
complete -c lamctl -n "__fish_lamctl_using_subcommand invoke" -l local -d 'Run the function on this machine (no Docker, no AWS account) with the same output and exit codes as a cloud invoke'
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
complete -c lamctl -n "__fish_lamctl_using_subcommand help; and not __fish_seen_subcommand_from whoami package deploy serve logs invoke completions man help" -f -a "whoami" -d 'Show the resolved profile, region, endpoint and AWS identity, and where each came from'
complete -c lamctl -n "__fish_lamctl_using_subcommand help; and not __fish_seen_subcommand_from whoami package deploy serve logs invoke completions man help" -f -a "package" -d 'Zip a directory deterministically and print its CodeSha256'
complete -c lamctl -n "__fish_lamctl_using_subcommand help; and not __fish_seen_subcommand_from whoami package deploy serve logs invoke completions man help" -f -a "deploy" -d 'Package and create or update the function; publish, alias, concurrency, function URL'
complete -c lamctl -n "__fish_lamctl_using_subcommand help; and not __fish_seen_subcommand_from whoami package deploy serve logs invoke completions man help" -f -a "serve" -d 'Run the function on this machine (no Docker) and serve the Lambda Invoke API for it'
complete -c lamctl -n "__fish_lamctl_using_subcommand help; and not __fish_seen_subcommand_from whoami package deploy serve logs invoke completions man help" -f -a "logs" -d 'Print a function\'s log events for a time window; -f follows new ones'
complete -c lamctl -n "__fish_lamctl_using_subcommand help; and not __fish_seen_subcommand_from whoami package deploy serve logs invoke completions man help" -f -a "invoke" -d 'Invoke a function: its response on stdout, its log tail (--tail) on stderr, exit 3 when it reports an error'
complete -c lamctl -n "__fish_lamctl_using_subcommand help; and not __fish_seen_subcommand_from whoami package deploy serve logs invoke completions man help" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c lamctl -n "__fish_lamctl_using_subcommand help; and not __fish_seen_subcommand_from whoami package deploy serve logs invoke completions man help" -f -a "man" -d 'Print the man page (roff) to stdout'
complete -c lamctl -n "__fish_lamctl_using_subcommand help; and not __fish_seen_subcommand_from whoami package deploy serve logs invoke completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
