// Package frontend is Allvoice's web interface: server-rendered pages built
// with html/template, progressively enhanced with vendored htmx 2 and
// Server-Sent Events, with every template, stylesheet, script and message
// catalogue embedded in the binary.
//
// Every page works without JavaScript; scripts only add live updates, page
// changes without reloads and a read-aloud button. Pages talk to package
// engine alone: the engine authorises and validates every request, and the
// pages translate its field errors into GOV.UK-style error summaries.
//
// All text people read comes from a message catalogue (i18n/en.json), so
// other languages such as Welsh or Scottish Gaelic can be added as files.
package frontend
