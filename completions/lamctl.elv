
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
            cand invoke 'Invoke a function: its response on stdout, its log tail (--tail) on stderr, exit 3 when it reports an error'
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
        &'lamctl;invoke'= {
            cand -p 'The event: inline JSON, @FILE, or - for standard input [default: standard input when it is not a terminal, else {}]'
            cand --payload 'The event: inline JSON, @FILE, or - for standard input [default: standard input when it is not a terminal, else {}]'
            cand --invocation-type 'How Lambda runs the function [default: request-response]'
            cand --qualifier 'Invoke this version or alias instead of $LATEST'
            cand --client-context 'A JSON object the function sees as its client context (synchronous invocations only)'
            cand -o 'Write the response payload to FILE instead of stdout'
            cand --out 'Write the response payload to FILE instead of stdout'
            cand --parallel 'With --ndjson: how many invocations run at once [default: 1]'
            cand --profile 'AWS profile from the shared config files [env: AWS_PROFILE]'
            cand --region 'AWS region [env: AWS_REGION, AWS_DEFAULT_REGION]'
            cand --endpoint-url 'Send every AWS call to this endpoint (an emulator such as moto or LocalStack) [env: AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>]'
            cand --output 'Format of the result on stdout'
            cand --color 'When to colour stderr; NO_COLOR in the environment means never unless ''always'''
            cand -c 'The function definition file [default: ./lamctl.toml when present]'
            cand --config 'The function definition file [default: ./lamctl.toml when present]'
            cand --connect-timeout 'How long to wait for a TCP connection to an AWS endpoint (e.g. 5s, 500ms)'
            cand --read-timeout 'How long to wait for an AWS endpoint to answer one attempt of a call (e.g. 30s, 2m)'
            cand --raw 'Send the payload bytes as they are, without checking that they are JSON'
            cand --async 'Queue the event and return at once (short for --invocation-type event)'
            cand -t 'Print the function''s log tail (Lambda''s last 4 KB) to stderr'
            cand --tail 'Print the function''s log tail (Lambda''s last 4 KB) to stderr'
            cand --pretty 'Pretty-print a JSON response (the default when stdout is a terminal)'
            cand --ndjson 'Invoke once per line of the input (newline-delimited JSON) and print one JSON result line per invocation, in input order'
            cand --stream 'Use InvokeWithResponseStream and write the response as it arrives (for functions that stream their response)'
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
            cand invoke 'Invoke a function: its response on stdout, its log tail (--tail) on stderr, exit 3 when it reports an error'
            cand completions 'Print a shell completion script to stdout'
            cand man 'Print the man page (roff) to stdout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lamctl;help;whoami'= {
        }
        &'lamctl;help;package'= {
        }
        &'lamctl;help;invoke'= {
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
