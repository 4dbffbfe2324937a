using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Helpers.Tests.Notebooks;

/// <summary>
/// A headless Chromium driven through the DevTools protocol, as a reader's browser: every request
/// to a network host is blocked (and counted), and scripts can be turned off, as on GitHub.
/// Debian's <c>chromium</c>; <c>.ci/run</c> installs it.
/// </summary>
internal sealed partial class Chromium : IAsyncDisposable
{
    private readonly Process browser;
    private readonly ClientWebSocket socket = new();
    private readonly TempDir profile;
    private int nextId;

    private Chromium(Process browser, TempDir profile) => (this.browser, this.profile) = (browser, profile);

    /// <summary>The http(s) requests the last page tried to make (all blocked).</summary>
    public List<string> Requests { get; } = [];

    public static async Task<Chromium> StartAsync()
    {
        var executable = Browsers().FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("No Chromium or Chrome: install Debian's chromium (apt-get install chromium), as .ci/run does, or set CHROME_PATH to a Chromium-based browser.");
        var profile = new TempDir();
        var info = new ProcessStartInfo(executable) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--remote-debugging-port=0", $"--user-data-dir={profile.Path}", "about:blank"])
        {
            info.ArgumentList.Add(arg);
        }

        var browser = Process.Start(info)!;
        var chromium = new Chromium(browser, profile);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await browser.StandardError.ReadLineAsync(timeout.Token) is { } line)
        {
            if (DevToolsUrl().Match(line) is { Success: true } m)
            {
                _ = browser.StandardError.ReadToEndAsync(); // Keep draining its log.
                await chromium.socket.ConnectAsync(new Uri(m.Value), timeout.Token);
                return chromium;
            }
        }

        throw new InvalidOperationException("Chromium ended without opening its DevTools port.");
    }

    /// <summary>Opens <paramref name="file"/> with or without scripts, with every network request blocked; returns the evaluation of <paramref name="probe"/> once it is true-ish or <paramref name="seconds"/> have passed.</summary>
    public async Task<JsonNode?> OpenAsync(string file, bool scripts, string probe, string ready, double seconds = 60)
    {
        Requests.Clear();
        var target = (string)(await SendAsync("Target.createTarget", new JsonObject { ["url"] = "about:blank" }))!["targetId"]!;
        var session = (string)(await SendAsync("Target.attachToTarget", new JsonObject { ["targetId"] = target, ["flatten"] = true }))!["sessionId"]!;
        await SendAsync("Network.enable", new JsonObject(), session);
        await SendAsync("Network.setBlockedURLs", new JsonObject { ["urls"] = new JsonArray("http://*", "https://*", "ws://*", "wss://*") }, session);
        await SendAsync("Emulation.setScriptExecutionDisabled", new JsonObject { ["value"] = !scripts }, session);
        await SendAsync("Page.navigate", new JsonObject { ["url"] = new Uri(file).AbsoluteUri }, session);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var done = await EvaluateAsync(ready, session);
            if (done?.GetValueKind() == System.Text.Json.JsonValueKind.True || clock.Elapsed.TotalSeconds > seconds)
            {
                var result = await EvaluateAsync(probe, session);
                await SendAsync("Target.closeTarget", new JsonObject { ["targetId"] = target });
                return result;
            }

            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        socket.Dispose();
        browser.Kill(entireProcessTree: true);
        await browser.WaitForExitAsync();
        browser.Dispose();
        profile.Dispose();
    }

    private async Task<JsonNode?> EvaluateAsync(string expression, string session)
    {
        var reply = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true }, session);
        return reply?["result"]?["value"]?.DeepClone();
    }

    // One command at a time: reads until its answer, noting the page's network requests on the way.
    private async Task<JsonNode?> SendAsync(string method, JsonObject parameters, string? session = null)
    {
        var id = ++nextId;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        if (session is not null)
        {
            message["sessionId"] = session;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, timeout.Token);
        var buffer = new byte[1 << 16];
        while (true)
        {
            using var text = new MemoryStream();
            WebSocketReceiveResult received;
            do
            {
                received = await socket.ReceiveAsync(buffer, timeout.Token);
                text.Write(buffer, 0, received.Count);
            }
            while (!received.EndOfMessage);

            var reply = JsonNode.Parse(text.ToArray())!;
            if ((string?)reply["method"] == "Network.requestWillBeSent" && (string?)reply["params"]?["request"]?["url"] is { } url && url.StartsWith("http", StringComparison.Ordinal))
            {
                Requests.Add(url);
            }

            if ((int?)reply["id"] == id)
            {
                return reply["error"] is { } error ? throw new InvalidOperationException($"{method}: {error.ToJsonString()}") : reply["result"];
            }
        }
    }

    [GeneratedRegex(@"ws://[^\s]+/devtools/browser/[^\s]+")]
    private static partial Regex DevToolsUrl();

    // CHROME_PATH first (the CI workflow sets it), then where Debian, Ubuntu, macOS and Windows put one.
    private static IEnumerable<string> Browsers()
    {
        if (Environment.GetEnvironmentVariable("CHROME_PATH") is { Length: > 0 } chosen)
        {
            yield return chosen;
        }

        yield return "/usr/bin/chromium";
        yield return "/usr/bin/chromium-browser";
        yield return "/usr/bin/google-chrome";
        yield return "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome";
        foreach (var root in new[] { Environment.SpecialFolder.ProgramFiles, Environment.SpecialFolder.ProgramFilesX86 })
        {
            yield return Path.Combine(Environment.GetFolderPath(root), "Google", "Chrome", "Application", "chrome.exe");
        }
    }
}
