"""Build hook: the third-party code of the pages, from the npm registry.

Runs while pip builds the package (the README's two commands stay two):
where node's npm is present, `npm ci` installs exactly what
package-lock.json names (CodeMirror 6 with its SPARQL mode, esbuild,
axe-core for the accessibility test) and `npm run build` bundles the
editor into server/koopgraph/web/static/vendor/, which the wheel carries.
Without npm, or when the registry cannot be reached, the build goes on and
the pages keep their plain editor. Nothing installed is ever committed
(.gitignore: node_modules/, static/vendor/).
"""

import shutil
import subprocess
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class EditorBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel":
            return
        root = Path(self.root)
        npm = shutil.which("npm")
        lock = root / "package-lock.json"
        if npm is None or not lock.is_file():
            self.app.display_info("npm or package-lock.json missing: the pages keep the plain SPARQL editor")
            return
        installed = root / "node_modules" / ".package-lock.json"
        try:
            if not installed.is_file() or installed.stat().st_mtime < lock.stat().st_mtime:
                subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=root, check=True)
            subprocess.run([npm, "run", "build", "--silent"], cwd=root, check=True)
        except (OSError, subprocess.CalledProcessError) as error:
            self.app.display_warning(f"npm failed ({error}): the pages keep the plain SPARQL editor")
