
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
            cand serve 'Run the function on this machine (no Docker) and serve the Lambda Invoke API for it'
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
        &'lamctl;serve'= {
            cand --port 'Port to listen on, on 127.0.0.1; 0 picks a free one (the port is printed on stdout)'
            cand --dir 'The function''s code directory (its task root) [default: `source` in lamctl.toml, else .]'
            cand --function 'The function''s name [lamctl.toml: name; default: the directory''s name]'
            cand --runtime 'Runtime: python3.x, nodejs*, provided.al2023 or provided.al2 [lamctl.toml: runtime]'
            cand --handler 'Handler, e.g. app.handler [lamctl.toml: handler]'
            cand --timeout 'Timeout in seconds, 1-900 [lamctl.toml: timeout; default: 3]'
            cand --memory 'Memory in MB, 128-10240, as reported to the function [lamctl.toml: memory; default: 128]'
            cand --env 'Environment variable, repeatable; overrides the file''s [environment] entry of the same key'
            cand --env-file 'A dotenv file of environment variables (KEY=VALUE lines) [lamctl.toml: env_file]'
            cand --runtime-client 'Which runtime client runs a Python handler: lamctl''s embedded one, or AWS''s `awslambdaric` (must be importable by the python3 on PATH)'
            cand --profile 'AWS profile from the shared config files [env: AWS_PROFILE]'
            cand --region 'AWS region [env: AWS_REGION, AWS_DEFAULT_REGION]'
            cand --endpoint-url 'Send every AWS call to this endpoint (an emulator such as moto or LocalStack) [env: AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>]'
            cand --output 'Format of the result on stdout'
            cand --color 'When to colour stderr; NO_COLOR in the environment means never unless ''always'''
            cand -c 'The function definition file [default: ./lamctl.toml when present]'
            cand --config 'The function definition file [default: ./lamctl.toml when present]'
            cand --connect-timeout 'How long to wait for a TCP connection to an AWS endpoint (e.g. 5s, 500ms)'
            cand --read-timeout 'How long to wait for an AWS endpoint to answer one attempt of a call (e.g. 30s, 2m)'
            cand --watch 'Restart the function when a file in its directory (or its lamctl.toml) changes'
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
            cand serve 'Run the function on this machine (no Docker) and serve the Lambda Invoke API for it'
            cand completions 'Print a shell completion script to stdout'
            cand man 'Print the man page (roff) to stdout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lamctl;help;whoami'= {
        }
        &'lamctl;help;package'= {
        }
        &'lamctl;help;serve'= {
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
