using System.Globalization;
using Helpers.Multiprocessing.Platform;
using Xunit;

namespace Helpers.Tests.Multiprocessing;

/// <summary>
/// The helpers' table of libc constants (<see cref="Libc"/>) says what the system's own headers say,
/// on the platform the tests run on: a C program compiled with the machine's <c>cc</c> prints each
/// constant from <c>errno.h</c>, <c>fcntl.h</c>, <c>signal.h</c>, <c>semaphore.h</c>,
/// <c>sys/stat.h</c> and <c>time.h</c>. And macOS's polling wait, run here on Linux's semaphores.
/// </summary>
public sealed class LibcTests : IClassFixture<LeakCheck>
{
    [CompilerFact]
    public void Every_constant_of_the_table_is_what_this_system_s_headers_say()
    {
        using var dir = new TempDir();
        var source = dir.File("libc.c");
        var program = dir.File("libc");
        File.WriteAllText(source, string.Join("\n",
        [
            "#include <errno.h>", "#include <fcntl.h>", "#include <signal.h>", "#include <semaphore.h>",
            "#include <stddef.h>", "#include <stdint.h>", "#include <stdio.h>", "#include <sys/stat.h>", "#include <time.h>",
            "int main(void) {",
            .. Libc.All.Select(c => $"    printf(\"%s=%ld\\n\", \"{c.Name}\", (long)(intptr_t)({c.Name}));"),
            "    return 0;",
            "}",
            "",
        ]));

        Run(CompilerFactAttribute.CompilerPath!, "-o", program, source);
        var printed = Run(program).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => long.Parse(p[1], CultureInfo.InvariantCulture));

        var wrong = Libc.All.Where(c => printed[c.Name] != c.Value)
            .Select(c => $"{c.Name} ({c.Header}): the table says {c.Value}, this system's headers {printed[c.Name]}").ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        Assert.Equal(Libc.All.Count, printed.Count);
    }

    [PosixSemaphoreFact]
    public void MacOS_polling_wait_times_out_takes_a_posted_unit_and_a_try_on_a_taken_semaphore_says_no()
    {
        var polls = NamedSemaphore.Polls;
        NamedSemaphore.Polls = true; // macOS's path: sem_trywait and a sleep that grows, as CPython there.
        var name = $"hmp-test-{Guid.NewGuid():N}"[..24];
        using var semaphore = NamedSemaphore.Create(name, 0, 1);
        try
        {
            Assert.False(semaphore.TryWait()); // sem_trywait fails with EAGAIN: false, not an error.
            Assert.False(semaphore.Wait(TimeSpan.FromMilliseconds(50)));

            using var posted = new ManualResetEventSlim();
            var poster = new Thread(() =>
            {
                posted.Wait();
                semaphore.Post();
            });
            poster.Start();
            posted.Set();
            Assert.True(semaphore.Wait(TimeSpan.FromSeconds(30))); // Returns once the unit is posted.
            poster.Join();
            Assert.False(semaphore.TryWait());
        }
        finally
        {
            NamedSemaphore.Polls = polls;
            semaphore.Unlink();
        }
    }

    private static string Run(string file, params string[] args)
    {
        var info = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        args.ToList().ForEach(info.ArgumentList.Add);
        using var process = System.Diagnostics.Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), $"{file} did not finish within 2 minutes");
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} failed: {stderr.Result}");
        return stdout.Result;
    }
}
