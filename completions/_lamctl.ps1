
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
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Print a function''s log events for a time window; -f follows new ones')
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
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Print a function''s log events for a time window; -f follows new ones')
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
        'lamctl;help;logs' {
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
