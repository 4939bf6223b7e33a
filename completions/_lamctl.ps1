
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
