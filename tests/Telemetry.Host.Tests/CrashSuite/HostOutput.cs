using System.Text;

namespace Telemetry.Host.Tests.CrashSuite;

/// <summary>
/// The output of every host incarnation, each line tagged with its incarnation, kept bounded (the newest lines
/// win) so a failure message can show what the hosts said before things went wrong.
/// </summary>
internal sealed class HostOutput
{
    private const int MaxLines = 600;
    private readonly Queue<string> _lines = new();

    public void Append(int incarnation, string line)
    {
        lock (_lines)
        {
            _lines.Enqueue($"[host {incarnation}] {line}");
            while (_lines.Count > MaxLines)
            {
                _lines.Dequeue();
            }
        }
    }

    public override string ToString()
    {
        lock (_lines)
        {
            var text = new StringBuilder();
            text.AppendLine($"--- last {_lines.Count} lines of host output ---");
            foreach (var line in _lines)
            {
                text.AppendLine(line);
            }

            return text.ToString();
        }
    }
}
