//go:build race

package knowledge

// raceDetector reports whether the tests run with -race, which makes
// the large-corpus tests too slow for CI at full size.
const raceDetector = true
