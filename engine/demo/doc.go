// Package demo seeds a realistic, deterministic co-design group through the
// engine's own use cases, for people exploring Allvoice and for tests and
// screenshots: twelve members in four perspectives, three rounds, about
// twenty proposals with rewordings and a merger, ratings with reasons and
// changes of mind, decisions and a revisit.
package demo
