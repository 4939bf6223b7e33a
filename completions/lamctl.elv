
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
            cand deploy 'Package and create or update the function; publish, alias, concurrency, function URL'
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
        &'lamctl;deploy'= {
            cand --function 'The function''s name [lamctl.toml: name]'
            cand --runtime 'Runtime identifier, e.g. python3.12, nodejs20.x, provided.al2023 [lamctl.toml: runtime]'
            cand --handler 'Handler, e.g. app.handler [lamctl.toml: handler]'
            cand --role 'Execution role ARN [lamctl.toml: role]'
            cand --memory 'Memory in MB, 128-10240 [lamctl.toml: memory]'
            cand --timeout 'Timeout in seconds, 1-900 [lamctl.toml: timeout]'
            cand --architecture 'Instruction set [lamctl.toml: architecture]'
            cand --description 'Description [lamctl.toml: description]'
            cand --env 'Environment variable, repeatable; overrides the file''s [environment] entry of the same key'
            cand --env-file 'A dotenv file of environment variables (KEY=VALUE lines) [lamctl.toml: env_file]'
            cand --layer 'Layer ARN, repeatable; replaces the file''s list [lamctl.toml: layers]'
            cand --tag 'Tag, repeatable; overrides the file''s [tags] entry of the same key'
            cand --ephemeral-storage 'Ephemeral /tmp storage in MB, 512-10240 [lamctl.toml: ephemeral_storage]'
            cand --log-format 'Log format [lamctl.toml: log_format]'
            cand --log-group 'Custom CloudWatch log group [lamctl.toml: log_group]'
            cand -o 'Where to write the zip [default: .lamctl/NAME.zip beside lamctl.toml, else in .]'
            cand --out 'Where to write the zip [default: .lamctl/NAME.zip beside lamctl.toml, else in .]'
            cand --exclude 'Leave out paths matching this gitignore-style glob (repeatable; after .lamctlignore)'
            cand --include 'Put back paths matching this glob even when excluded (repeatable)'
            cand --s3-bucket 'Upload the zip through this S3 bucket (automatic over 50 MB) [lamctl.toml: deploy.s3_bucket]'
            cand --s3-key 'The S3 key [default: lamctl/FUNCTION/SHA256HEX.zip] [lamctl.toml: deploy.s3_key]'
            cand --alias 'Create or move this alias to the new version (implies --publish) [lamctl.toml: deploy.alias]'
            cand --canary 'Keep the alias on its current version and route PERCENT of traffic to the new one'
            cand --keep-versions 'Delete versions older than the newest N, never one an alias uses [lamctl.toml: deploy.keep_versions]'
            cand --concurrency 'Set reserved concurrency [lamctl.toml: deploy.concurrency]'
            cand --provisioned 'Set provisioned concurrency on the alias and wait until it is ready [lamctl.toml: deploy.provisioned]'
            cand --url-auth 'Who may call the URL [default: aws-iam]'
            cand --cors-origin 'An allowed CORS origin (repeatable)'
            cand --cors-method 'An allowed CORS method (repeatable)'
            cand --cors-header 'An allowed CORS header (repeatable)'
            cand --cors-max-age 'How long browsers may cache the CORS preflight, in seconds'
            cand --invoke-mode 'How the URL returns responses [default: buffered]'
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
            cand --create-role 'Create (or reuse) a basic execution role with AWSLambdaBasicExecutionRole when no role is given'
            cand --force 'Upload the code even when its CodeSha256 equals the deployed one'
            cand --publish 'Publish a version of exactly what was deployed [lamctl.toml: deploy.publish]'
            cand --no-concurrency 'Remove reserved concurrency'
            cand --url 'Create or update the function URL [lamctl.toml: [deploy.url]]'
            cand --no-url 'Remove the function URL and its public permissions'
            cand --cors-credentials 'Allow credentials (cookies) in CORS requests'
            cand --dry-run 'Read the deployed state and print the plan; change nothing'
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
            cand deploy 'Package and create or update the function; publish, alias, concurrency, function URL'
            cand serve 'Run the function on this machine (no Docker) and serve the Lambda Invoke API for it'
            cand completions 'Print a shell completion script to stdout'
            cand man 'Print the man page (roff) to stdout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'lamctl;help;whoami'= {
        }
        &'lamctl;help;package'= {
        }
        &'lamctl;help;deploy'= {
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
