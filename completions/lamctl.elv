
use builtin;
use str;

set edit:completion:arg-completer[lamctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'lamctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'lamctl'= {
            cand --profile 'AWS profile from the shared config files [env: AWS_PROFILE]'
            cand --region 'AWS region [env: AWS_REGION, AWS_DEFAULT_REGION]'
            cand --endpoint-url 'Send every AWS call to this endpoint (an emulator such as moto or LocalStack) [env: AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>]'
            cand --output 'Format of the result on stdout'
            cand --color 'When to colour stderr; NO_COLOR in the environment means never unless ''always'''
            cand -c 'The function definition file [default: ./lamctl.toml when present]'
            cand --config 'The function definition file [default: ./lamctl.toml when present]'
            cand --connect-timeout 'How long to wait for a TCP connection to an AWS endpoint (e.g. 5s, 500ms)'
            cand --read-timeout 'How long to wait for an AWS endpoint to answer one attempt of a call (e.g. 30s, 2m)'
            cand -q 'Print only the result and errors: no progress, no notes, no warnings'
            cand --quiet 'Print only the result and errors: no progress, no notes, no warnings'
            cand -v 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK''s own'
            cand --verbose 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK''s own'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand whoami 'Show the resolved profile, region, endpoint and AWS identity, and where each came from'
            cand package 'Zip a directory deterministically and print its CodeSha256'
            cand logs 'Print a function''s log events for a time window; -f follows new ones'
            cand completions 'Print a shell completion script to stdout'
            cand man 'Print the man page (roff) to stdout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lamctl;whoami'= {
            cand --profile 'AWS profile from the shared config files [env: AWS_PROFILE]'
            cand --region 'AWS region [env: AWS_REGION, AWS_DEFAULT_REGION]'
            cand --endpoint-url 'Send every AWS call to this endpoint (an emulator such as moto or LocalStack) [env: AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>]'
            cand --output 'Format of the result on stdout'
            cand --color 'When to colour stderr; NO_COLOR in the environment means never unless ''always'''
            cand -c 'The function definition file [default: ./lamctl.toml when present]'
            cand --config 'The function definition file [default: ./lamctl.toml when present]'
            cand --connect-timeout 'How long to wait for a TCP connection to an AWS endpoint (e.g. 5s, 500ms)'
            cand --read-timeout 'How long to wait for an AWS endpoint to answer one attempt of a call (e.g. 30s, 2m)'
            cand -q 'Print only the result and errors: no progress, no notes, no warnings'
            cand --quiet 'Print only the result and errors: no progress, no notes, no warnings'
            cand -v 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK''s own'
            cand --verbose 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK''s own'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lamctl;package'= {
            cand -o 'Where to write the zip [default: .lamctl/NAME.zip beside lamctl.toml, else in .]'
            cand --out 'Where to write the zip [default: .lamctl/NAME.zip beside lamctl.toml, else in .]'
            cand --exclude 'Leave out paths matching this gitignore-style glob (repeatable; after .lamctlignore)'
            cand --include 'Put back paths matching this glob even when excluded (repeatable)'
            cand --profile 'AWS profile from the shared config files [env: AWS_PROFILE]'
            cand --region 'AWS region [env: AWS_REGION, AWS_DEFAULT_REGION]'
            cand --endpoint-url 'Send every AWS call to this endpoint (an emulator such as moto or LocalStack) [env: AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>]'
            cand --output 'Format of the result on stdout'
            cand --color 'When to colour stderr; NO_COLOR in the environment means never unless ''always'''
            cand -c 'The function definition file [default: ./lamctl.toml when present]'
            cand --config 'The function definition file [default: ./lamctl.toml when present]'
            cand --connect-timeout 'How long to wait for a TCP connection to an AWS endpoint (e.g. 5s, 500ms)'
            cand --read-timeout 'How long to wait for an AWS endpoint to answer one attempt of a call (e.g. 30s, 2m)'
            cand --keep-symlinks 'Store symbolic links as links instead of following them'
            cand --no-size-check 'Do not fail when the unzipped size is over Lambda''s 250 MB limit'
            cand -q 'Print only the result and errors: no progress, no notes, no warnings'
            cand --quiet 'Print only the result and errors: no progress, no notes, no warnings'
            cand -v 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK''s own'
            cand --verbose 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK''s own'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lamctl;logs'= {
            cand --log-group 'Read this log group instead of a function''s (makes no Lambda call)'
            cand --since 'Start of the window: a duration ago (30s, 5m, 2h, 1d) or a time (2024-05-01 12:00, RFC 3339); local time unless a zone is given'
            cand --until 'End of the window, in the same forms as --since [default: now; with -f: open]'
            cand --filter 'Only events matching this CloudWatch filter pattern (passed through as written)'
            cand --request-id 'Only one invocation''s lines, from its START to its REPORT line (with -f: until it reports)'
            cand --stream-prefix 'Only log streams whose name starts with PREFIX'
            cand --qualifier 'Only what this version ran (a number, $LATEST, or an alias of NAME)'
            cand --follow-for 'With -f: stop following after this long (e.g. 30s, 5m)'
            cand --poll-interval 'With -f: how often to poll when not using Live Tail; doubles while throttled [default: 1s]'
            cand --format 'How each event is printed as text [default: short]'
            cand --profile 'AWS profile from the shared config files [env: AWS_PROFILE]'
            cand --region 'AWS region [env: AWS_REGION, AWS_DEFAULT_REGION]'
            cand --endpoint-url 'Send every AWS call to this endpoint (an emulator such as moto or LocalStack) [env: AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>]'
            cand --output 'Format of the result on stdout'
            cand --color 'When to colour stderr; NO_COLOR in the environment means never unless ''always'''
            cand -c 'The function definition file [default: ./lamctl.toml when present]'
            cand --config 'The function definition file [default: ./lamctl.toml when present]'
            cand --connect-timeout 'How long to wait for a TCP connection to an AWS endpoint (e.g. 5s, 500ms)'
            cand --read-timeout 'How long to wait for an AWS endpoint to answer one attempt of a call (e.g. 30s, 2m)'
            cand -f 'Keep printing new events as they arrive (Ctrl-C, --until or --follow-for ends it)'
            cand --follow 'Keep printing new events as they arrive (Ctrl-C, --until or --follow-for ends it)'
            cand --poll 'With -f: poll FilterLogEvents instead of using CloudWatch Live Tail'
            cand -q 'Print only the result and errors: no progress, no notes, no warnings'
            cand --quiet 'Print only the result and errors: no progress, no notes, no warnings'
            cand -v 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK''s own'
            cand --verbose 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK''s own'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lamctl;completions'= {
            cand --profile 'AWS profile from the shared config files [env: AWS_PROFILE]'
            cand --region 'AWS region [env: AWS_REGION, AWS_DEFAULT_REGION]'
            cand --endpoint-url 'Send every AWS call to this endpoint (an emulator such as moto or LocalStack) [env: AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>]'
            cand --output 'Format of the result on stdout'
            cand --color 'When to colour stderr; NO_COLOR in the environment means never unless ''always'''
            cand -c 'The function definition file [default: ./lamctl.toml when present]'
            cand --config 'The function definition file [default: ./lamctl.toml when present]'
            cand --connect-timeout 'How long to wait for a TCP connection to an AWS endpoint (e.g. 5s, 500ms)'
            cand --read-timeout 'How long to wait for an AWS endpoint to answer one attempt of a call (e.g. 30s, 2m)'
            cand -q 'Print only the result and errors: no progress, no notes, no warnings'
            cand --quiet 'Print only the result and errors: no progress, no notes, no warnings'
            cand -v 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK''s own'
            cand --verbose 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK''s own'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lamctl;man'= {
            cand --profile 'AWS profile from the shared config files [env: AWS_PROFILE]'
            cand --region 'AWS region [env: AWS_REGION, AWS_DEFAULT_REGION]'
            cand --endpoint-url 'Send every AWS call to this endpoint (an emulator such as moto or LocalStack) [env: AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>]'
            cand --output 'Format of the result on stdout'
            cand --color 'When to colour stderr; NO_COLOR in the environment means never unless ''always'''
            cand -c 'The function definition file [default: ./lamctl.toml when present]'
            cand --config 'The function definition file [default: ./lamctl.toml when present]'
            cand --connect-timeout 'How long to wait for a TCP connection to an AWS endpoint (e.g. 5s, 500ms)'
            cand --read-timeout 'How long to wait for an AWS endpoint to answer one attempt of a call (e.g. 30s, 2m)'
            cand -q 'Print only the result and errors: no progress, no notes, no warnings'
            cand --quiet 'Print only the result and errors: no progress, no notes, no warnings'
            cand -v 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK''s own'
            cand --verbose 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK''s own'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'lamctl;help'= {
            cand whoami 'Show the resolved profile, region, endpoint and AWS identity, and where each came from'
            cand package 'Zip a directory deterministically and print its CodeSha256'
            cand logs 'Print a function''s log events for a time window; -f follows new ones'
            cand completions 'Print a shell completion script to stdout'
            cand man 'Print the man page (roff) to stdout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lamctl;help;whoami'= {
        }
        &'lamctl;help;package'= {
        }
        &'lamctl;help;logs'= {
        }
        &'lamctl;help;completions'= {
        }
        &'lamctl;help;man'= {
        }
        &'lamctl;help;help'= {
        }
    ]
    $completions[$command]
}
