import Foundation

/// The session as a Jupyter notebook (nbformat 4.5, `.export FILE.ipynb` and `entk --notebook`):
/// lesson prose as Markdown cells, each recorded input as a code cell for the `entk` kernel,
/// its output as `stream` outputs (`stdout`, and `stderr` for errors, as the kernel shows them)
/// and each figure it showed or saved as `display_data` with `image/svg+xml` and a `text/plain`
/// fallback. Inputs left out of `.save` (`.history`, `.export` …) are left out here too.
public enum Notebook {
    /// The kernel spec a notebook names, which `scripts/jupyter` installs.
    public static let kernelName = "entk"

    /// The notebook's JSON text (keys sorted, one-space indent, so regenerating it is stable).
    public static func render(_ entries: [SessionEntry], title: String, version: String, seed: UInt64) -> String {
        var cells: [[String: Any]] = []
        func add(_ cell: [String: Any]) {
            var cell = cell
            cell["id"] = "cell-\(cells.count + 1)"
            cell["metadata"] = [String: Any]()
            cells.append(cell)
        }
        func markdown(_ text: String) { add(["cell_type": "markdown", "source": text]) }
        markdown("# \(title)\n\nExported from entk \(version), session seed \(seed). Run the cells in order with the entk kernel to reproduce the outputs.")
        var count = 0
        for entry in entries {
            if let prose = entry.prose { markdown(prose) }
            if entry.isRecorded {
                count += 1
                var outputs = streamOutputs(entry.output)
                for figure in entry.figures {
                    outputs.append(["output_type": "display_data", "metadata": [String: Any](),
                                    "data": ["image/svg+xml": figure.svg, "text/plain": "<figure \(figure.savedName ?? "shown")>"]])
                }
                add(["cell_type": "code", "source": entry.text, "execution_count": count, "outputs": outputs])
            }
            if let prose = entry.proseAfter { markdown(prose) }
        }
        let notebook: [String: Any] = [
            "nbformat": 4, "nbformat_minor": 5, "cells": cells,
            "metadata": [
                "kernelspec": ["name": kernelName, "display_name": "entk", "language": KernelProtocol.languageName],
                "language_info": ["name": KernelProtocol.languageName, "file_extension": KernelProtocol.fileExtension,
                                  "mimetype": KernelProtocol.mimeType, "version": version],
            ],
        ]
        let data = try! JSONSerialization.data(withJSONObject: notebook, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Consecutive output lines form one `stdout` stream, consecutive error lines one `stderr`.
    static func streamOutputs(_ lines: [ExpectedLine]) -> [[String: Any]] {
        ExpectedLine.runs(lines).map { run in
            ["output_type": "stream", "name": run.isError ? "stderr" : "stdout", "text": run.texts.map { $0 + "\n" }.joined()]
        }
    }
}
