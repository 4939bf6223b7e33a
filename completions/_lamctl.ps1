
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'lamctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'lamctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'lamctl' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile from the shared config files [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region [env: AWS_REGION, AWS_DEFAULT_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint (an emulator such as moto or LocalStack) [env: AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of the result on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr; NO_COLOR in the environment means never unless ''always''')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'The function definition file [default: ./lamctl.toml when present]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The function definition file [default: ./lamctl.toml when present]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a TCP connection to an AWS endpoint (e.g. 5s, 500ms)')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'How long to wait for an AWS endpoint to answer one attempt of a call (e.g. 30s, 2m)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the result and errors: no progress, no notes, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the result and errors: no progress, no notes, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK''s own')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK''s own')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('whoami', 'whoami', [CompletionResultType]::ParameterValue, 'Show the resolved profile, region, endpoint and AWS identity, and where each came from')
            [CompletionResult]::new('package', 'package', [CompletionResultType]::ParameterValue, 'Zip a directory deterministically and print its CodeSha256')
            [CompletionResult]::new('deploy', 'deploy', [CompletionResultType]::ParameterValue, 'Package and create or update the function; publish, alias, concurrency, function URL')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the function on this machine (no Docker) and serve the Lambda Invoke API for it')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Print a function''s log events for a time window; -f follows new ones')
            [CompletionResult]::new('invoke', 'invoke', [CompletionResultType]::ParameterValue, 'Invoke a function: its response on stdout, its log tail (--tail) on stderr, exit 3 when it reports an error')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script to stdout')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff) to stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lamctl;whoami' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile from the shared config files [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region [env: AWS_REGION, AWS_DEFAULT_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint (an emulator such as moto or LocalStack) [env: AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of the result on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr; NO_COLOR in the environment means never unless ''always''')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'The function definition file [default: ./lamctl.toml when present]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The function definition file [default: ./lamctl.toml when present]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a TCP connection to an AWS endpoint (e.g. 5s, 500ms)')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'How long to wait for an AWS endpoint to answer one attempt of a call (e.g. 30s, 2m)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the result and errors: no progress, no notes, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the result and errors: no progress, no notes, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK''s own')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK''s own')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lamctl;package' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Where to write the zip [default: .lamctl/NAME.zip beside lamctl.toml, else in .]')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where to write the zip [default: .lamctl/NAME.zip beside lamctl.toml, else in .]')
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, 'Leave out paths matching this gitignore-style glob (repeatable; after .lamctlignore)')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Put back paths matching this glob even when excluded (repeatable)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile from the shared config files [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region [env: AWS_REGION, AWS_DEFAULT_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint (an emulator such as moto or LocalStack) [env: AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of the result on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr; NO_COLOR in the environment means never unless ''always''')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'The function definition file [default: ./lamctl.toml when present]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The function definition file [default: ./lamctl.toml when present]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a TCP connection to an AWS endpoint (e.g. 5s, 500ms)')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'How long to wait for an AWS endpoint to answer one attempt of a call (e.g. 30s, 2m)')
            [CompletionResult]::new('--keep-symlinks', '--keep-symlinks', [CompletionResultType]::ParameterName, 'Store symbolic links as links instead of following them')
            [CompletionResult]::new('--no-size-check', '--no-size-check', [CompletionResultType]::ParameterName, 'Do not fail when the unzipped size is over Lambda''s 250 MB limit')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Compress everything afresh: neither read nor write the package cache (LAMCTL_CACHE_DIR, default ~/.cache/lamctl)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the result and errors: no progress, no notes, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the result and errors: no progress, no notes, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK''s own')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK''s own')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lamctl;deploy' {
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'The function''s name [lamctl.toml: name]')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Runtime identifier, e.g. python3.12, nodejs20.x, provided.al2023 [lamctl.toml: runtime]')
            [CompletionResult]::new('--handler', '--handler', [CompletionResultType]::ParameterName, 'Handler, e.g. app.handler [lamctl.toml: handler]')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'Execution role ARN [lamctl.toml: role]')
            [CompletionResult]::new('--memory', '--memory', [CompletionResultType]::ParameterName, 'Memory in MB, 128-10240 [lamctl.toml: memory]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout in seconds, 1-900 [lamctl.toml: timeout]')
            [CompletionResult]::new('--architecture', '--architecture', [CompletionResultType]::ParameterName, 'Instruction set [lamctl.toml: architecture]')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'Description [lamctl.toml: description]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment variable, repeatable; overrides the file''s [environment] entry of the same key')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'A dotenv file of environment variables (KEY=VALUE lines) [lamctl.toml: env_file]')
            [CompletionResult]::new('--layer', '--layer', [CompletionResultType]::ParameterName, 'Layer ARN, repeatable; replaces the file''s list [lamctl.toml: layers]')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Tag, repeatable; overrides the file''s [tags] entry of the same key')
            [CompletionResult]::new('--ephemeral-storage', '--ephemeral-storage', [CompletionResultType]::ParameterName, 'Ephemeral /tmp storage in MB, 512-10240 [lamctl.toml: ephemeral_storage]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log format [lamctl.toml: log_format]')
            [CompletionResult]::new('--log-group', '--log-group', [CompletionResultType]::ParameterName, 'Custom CloudWatch log group [lamctl.toml: log_group]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Where to write the zip [default: .lamctl/NAME.zip beside lamctl.toml, else in .]')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where to write the zip [default: .lamctl/NAME.zip beside lamctl.toml, else in .]')
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, 'Leave out paths matching this gitignore-style glob (repeatable; after .lamctlignore)')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Put back paths matching this glob even when excluded (repeatable)')
            [CompletionResult]::new('--s3-bucket', '--s3-bucket', [CompletionResultType]::ParameterName, 'Upload the zip through this S3 bucket (automatic over 50 MB) [lamctl.toml: deploy.s3_bucket]')
            [CompletionResult]::new('--s3-key', '--s3-key', [CompletionResultType]::ParameterName, 'The S3 key [default: lamctl/FUNCTION/SHA256HEX.zip] [lamctl.toml: deploy.s3_key]')
            [CompletionResult]::new('--alias', '--alias', [CompletionResultType]::ParameterName, 'Create or move this alias to the new version (implies --publish) [lamctl.toml: deploy.alias]')
            [CompletionResult]::new('--canary', '--canary', [CompletionResultType]::ParameterName, 'Keep the alias on its current version and route PERCENT of traffic to the new one')
            [CompletionResult]::new('--keep-versions', '--keep-versions', [CompletionResultType]::ParameterName, 'Delete versions older than the newest N, never one an alias uses [lamctl.toml: deploy.keep_versions]')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Set reserved concurrency [lamctl.toml: deploy.concurrency]')
            [CompletionResult]::new('--provisioned', '--provisioned', [CompletionResultType]::ParameterName, 'Set provisioned concurrency on the alias and wait until it is ready [lamctl.toml: deploy.provisioned]')
            [CompletionResult]::new('--url-auth', '--url-auth', [CompletionResultType]::ParameterName, 'Who may call the URL [default: aws-iam]')
            [CompletionResult]::new('--cors-origin', '--cors-origin', [CompletionResultType]::ParameterName, 'An allowed CORS origin (repeatable)')
            [CompletionResult]::new('--cors-method', '--cors-method', [CompletionResultType]::ParameterName, 'An allowed CORS method (repeatable)')
            [CompletionResult]::new('--cors-header', '--cors-header', [CompletionResultType]::ParameterName, 'An allowed CORS header (repeatable)')
            [CompletionResult]::new('--cors-max-age', '--cors-max-age', [CompletionResultType]::ParameterName, 'How long browsers may cache the CORS preflight, in seconds')
            [CompletionResult]::new('--invoke-mode', '--invoke-mode', [CompletionResultType]::ParameterName, 'How the URL returns responses [default: buffered]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile from the shared config files [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region [env: AWS_REGION, AWS_DEFAULT_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint (an emulator such as moto or LocalStack) [env: AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of the result on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr; NO_COLOR in the environment means never unless ''always''')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'The function definition file [default: ./lamctl.toml when present]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The function definition file [default: ./lamctl.toml when present]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a TCP connection to an AWS endpoint (e.g. 5s, 500ms)')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'How long to wait for an AWS endpoint to answer one attempt of a call (e.g. 30s, 2m)')
            [CompletionResult]::new('--keep-symlinks', '--keep-symlinks', [CompletionResultType]::ParameterName, 'Store symbolic links as links instead of following them')
            [CompletionResult]::new('--no-size-check', '--no-size-check', [CompletionResultType]::ParameterName, 'Do not fail when the unzipped size is over Lambda''s 250 MB limit')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Compress everything afresh: neither read nor write the package cache (LAMCTL_CACHE_DIR, default ~/.cache/lamctl)')
            [CompletionResult]::new('--create-role', '--create-role', [CompletionResultType]::ParameterName, 'Create (or reuse) a basic execution role with AWSLambdaBasicExecutionRole when no role is given')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Upload the code even when its CodeSha256 equals the deployed one')
            [CompletionResult]::new('--publish', '--publish', [CompletionResultType]::ParameterName, 'Publish a version of exactly what was deployed [lamctl.toml: deploy.publish]')
            [CompletionResult]::new('--no-concurrency', '--no-concurrency', [CompletionResultType]::ParameterName, 'Remove reserved concurrency')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Create or update the function URL [lamctl.toml: [deploy.url]]')
            [CompletionResult]::new('--no-url', '--no-url', [CompletionResultType]::ParameterName, 'Remove the function URL and its public permissions')
            [CompletionResult]::new('--cors-credentials', '--cors-credentials', [CompletionResultType]::ParameterName, 'Allow credentials (cookies) in CORS requests')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Read the deployed state and print the plan; change nothing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the result and errors: no progress, no notes, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the result and errors: no progress, no notes, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK''s own')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK''s own')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lamctl;serve' {
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to listen on, on 127.0.0.1; 0 picks a free one (the port is printed on stdout)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The function''s code directory (its task root) [default: `source` in lamctl.toml, else .]')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'The function''s name [lamctl.toml: name; default: the directory''s name]')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Runtime: python3.x, nodejs*, provided.al2023 or provided.al2 [lamctl.toml: runtime]')
            [CompletionResult]::new('--handler', '--handler', [CompletionResultType]::ParameterName, 'Handler, e.g. app.handler [lamctl.toml: handler]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout in seconds, 1-900 [lamctl.toml: timeout; default: 3]')
            [CompletionResult]::new('--memory', '--memory', [CompletionResultType]::ParameterName, 'Memory in MB, 128-10240, as reported to the function [lamctl.toml: memory; default: 128]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment variable, repeatable; overrides the file''s [environment] entry of the same key')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'A dotenv file of environment variables (KEY=VALUE lines) [lamctl.toml: env_file]')
            [CompletionResult]::new('--runtime-client', '--runtime-client', [CompletionResultType]::ParameterName, 'Which runtime client runs a Python handler: lamctl''s embedded one, or AWS''s `awslambdaric` (must be importable by the python3 on PATH)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile from the shared config files [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region [env: AWS_REGION, AWS_DEFAULT_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint (an emulator such as moto or LocalStack) [env: AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of the result on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr; NO_COLOR in the environment means never unless ''always''')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'The function definition file [default: ./lamctl.toml when present]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The function definition file [default: ./lamctl.toml when present]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a TCP connection to an AWS endpoint (e.g. 5s, 500ms)')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'How long to wait for an AWS endpoint to answer one attempt of a call (e.g. 30s, 2m)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Restart the function when a file in its directory (or its lamctl.toml) changes')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the result and errors: no progress, no notes, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the result and errors: no progress, no notes, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK''s own')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK''s own')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lamctl;logs' {
            [CompletionResult]::new('--log-group', '--log-group', [CompletionResultType]::ParameterName, 'Read this log group instead of a function''s (makes no Lambda call)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Start of the window: a duration ago (30s, 5m, 2h, 1d) or a time (2024-05-01 12:00, RFC 3339); local time unless a zone is given')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'End of the window, in the same forms as --since [default: now; with -f: open]')
            [CompletionResult]::new('--filter', '--filter', [CompletionResultType]::ParameterName, 'Only events matching this CloudWatch filter pattern (passed through as written)')
            [CompletionResult]::new('--request-id', '--request-id', [CompletionResultType]::ParameterName, 'Only one invocation''s lines, from its START to its REPORT line (with -f: until it reports)')
            [CompletionResult]::new('--stream-prefix', '--stream-prefix', [CompletionResultType]::ParameterName, 'Only log streams whose name starts with PREFIX')
            [CompletionResult]::new('--qualifier', '--qualifier', [CompletionResultType]::ParameterName, 'Only what this version ran (a number, $LATEST, or an alias of NAME)')
            [CompletionResult]::new('--follow-for', '--follow-for', [CompletionResultType]::ParameterName, 'With -f: stop following after this long (e.g. 30s, 5m)')
            [CompletionResult]::new('--poll-interval', '--poll-interval', [CompletionResultType]::ParameterName, 'With -f: how often to poll when not using Live Tail; doubles while throttled [default: 1s]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How each event is printed as text [default: short]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile from the shared config files [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region [env: AWS_REGION, AWS_DEFAULT_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint (an emulator such as moto or LocalStack) [env: AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of the result on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr; NO_COLOR in the environment means never unless ''always''')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'The function definition file [default: ./lamctl.toml when present]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The function definition file [default: ./lamctl.toml when present]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a TCP connection to an AWS endpoint (e.g. 5s, 500ms)')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'How long to wait for an AWS endpoint to answer one attempt of a call (e.g. 30s, 2m)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep printing new events as they arrive (Ctrl-C, --until or --follow-for ends it)')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep printing new events as they arrive (Ctrl-C, --until or --follow-for ends it)')
            [CompletionResult]::new('--poll', '--poll', [CompletionResultType]::ParameterName, 'With -f: poll FilterLogEvents instead of using CloudWatch Live Tail')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the result and errors: no progress, no notes, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the result and errors: no progress, no notes, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK''s own')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK''s own')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lamctl;invoke' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'The event: inline JSON, @FILE, or - for standard input [default: standard input when it is not a terminal, else {}]')
            [CompletionResult]::new('--payload', '--payload', [CompletionResultType]::ParameterName, 'The event: inline JSON, @FILE, or - for standard input [default: standard input when it is not a terminal, else {}]')
            [CompletionResult]::new('--invocation-type', '--invocation-type', [CompletionResultType]::ParameterName, 'How Lambda runs the function [default: request-response]')
            [CompletionResult]::new('--qualifier', '--qualifier', [CompletionResultType]::ParameterName, 'Invoke this version or alias instead of $LATEST')
            [CompletionResult]::new('--client-context', '--client-context', [CompletionResultType]::ParameterName, 'A JSON object the function sees as its client context (synchronous invocations only)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the response payload to FILE instead of stdout')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write the response payload to FILE instead of stdout')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'With --ndjson: how many invocations run at once [default: 1]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The function''s code directory (its task root) [default: `source` in lamctl.toml, else .]')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'The function''s name [lamctl.toml: name; default: the directory''s name]')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Runtime: python3.x, nodejs*, provided.al2023 or provided.al2 [lamctl.toml: runtime]')
            [CompletionResult]::new('--handler', '--handler', [CompletionResultType]::ParameterName, 'Handler, e.g. app.handler [lamctl.toml: handler]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout in seconds, 1-900 [lamctl.toml: timeout; default: 3]')
            [CompletionResult]::new('--memory', '--memory', [CompletionResultType]::ParameterName, 'Memory in MB, 128-10240, as reported to the function [lamctl.toml: memory; default: 128]')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment variable, repeatable; overrides the file''s [environment] entry of the same key')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'A dotenv file of environment variables (KEY=VALUE lines) [lamctl.toml: env_file]')
            [CompletionResult]::new('--runtime-client', '--runtime-client', [CompletionResultType]::ParameterName, 'Which runtime client runs a Python handler: lamctl''s embedded one, or AWS''s `awslambdaric` (must be importable by the python3 on PATH)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile from the shared config files [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region [env: AWS_REGION, AWS_DEFAULT_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint (an emulator such as moto or LocalStack) [env: AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of the result on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr; NO_COLOR in the environment means never unless ''always''')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'The function definition file [default: ./lamctl.toml when present]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The function definition file [default: ./lamctl.toml when present]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a TCP connection to an AWS endpoint (e.g. 5s, 500ms)')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'How long to wait for an AWS endpoint to answer one attempt of a call (e.g. 30s, 2m)')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Send the payload bytes as they are, without checking that they are JSON')
            [CompletionResult]::new('--async', '--async', [CompletionResultType]::ParameterName, 'Queue the event and return at once (short for --invocation-type event)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Print the function''s log tail (Lambda''s last 4 KB) to stderr')
            [CompletionResult]::new('--tail', '--tail', [CompletionResultType]::ParameterName, 'Print the function''s log tail (Lambda''s last 4 KB) to stderr')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print a JSON response (the default when stdout is a terminal)')
            [CompletionResult]::new('--ndjson', '--ndjson', [CompletionResultType]::ParameterName, 'Invoke once per line of the input (newline-delimited JSON) and print one JSON result line per invocation, in input order')
            [CompletionResult]::new('--stream', '--stream', [CompletionResultType]::ParameterName, 'Use InvokeWithResponseStream and write the response as it arrives (for functions that stream their response)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Run the function on this machine (no Docker, no AWS account) with the same output and exit codes as a cloud invoke')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the result and errors: no progress, no notes, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the result and errors: no progress, no notes, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK''s own')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK''s own')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lamctl;completions' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile from the shared config files [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region [env: AWS_REGION, AWS_DEFAULT_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint (an emulator such as moto or LocalStack) [env: AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of the result on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr; NO_COLOR in the environment means never unless ''always''')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'The function definition file [default: ./lamctl.toml when present]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The function definition file [default: ./lamctl.toml when present]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a TCP connection to an AWS endpoint (e.g. 5s, 500ms)')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'How long to wait for an AWS endpoint to answer one attempt of a call (e.g. 30s, 2m)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the result and errors: no progress, no notes, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the result and errors: no progress, no notes, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK''s own')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK''s own')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lamctl;man' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS profile from the shared config files [env: AWS_PROFILE]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region [env: AWS_REGION, AWS_DEFAULT_REGION]')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint (an emulator such as moto or LocalStack) [env: AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of the result on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr; NO_COLOR in the environment means never unless ''always''')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'The function definition file [default: ./lamctl.toml when present]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The function definition file [default: ./lamctl.toml when present]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a TCP connection to an AWS endpoint (e.g. 5s, 500ms)')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'How long to wait for an AWS endpoint to answer one attempt of a call (e.g. 30s, 2m)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the result and errors: no progress, no notes, no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the result and errors: no progress, no notes, no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK''s own')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK''s own')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'lamctl;help' {
            [CompletionResult]::new('whoami', 'whoami', [CompletionResultType]::ParameterValue, 'Show the resolved profile, region, endpoint and AWS identity, and where each came from')
            [CompletionResult]::new('package', 'package', [CompletionResultType]::ParameterValue, 'Zip a directory deterministically and print its CodeSha256')
            [CompletionResult]::new('deploy', 'deploy', [CompletionResultType]::ParameterValue, 'Package and create or update the function; publish, alias, concurrency, function URL')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the function on this machine (no Docker) and serve the Lambda Invoke API for it')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Print a function''s log events for a time window; -f follows new ones')
            [CompletionResult]::new('invoke', 'invoke', [CompletionResultType]::ParameterValue, 'Invoke a function: its response on stdout, its log tail (--tail) on stderr, exit 3 when it reports an error')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script to stdout')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff) to stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'lamctl;help;whoami' {
            break
        }
        'lamctl;help;package' {
            break
        }
        'lamctl;help;deploy' {
            break
        }
        'lamctl;help;serve' {
            break
        }
        'lamctl;help;logs' {
            break
        }
        'lamctl;help;invoke' {
            break
        }
        'lamctl;help;completions' {
            break
        }
        'lamctl;help;man' {
            break
        }
        'lamctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
