fn main() -> std::process::ExitCode {
    lamctl::main()
}
