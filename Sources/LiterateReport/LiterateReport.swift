// The literate renderer lives here.
