#pragma once

#include <QByteArray>

struct TrafficEvent;

// One line of the --record file (DESIGN.md, "Record format": a contract), newline
// included: {"time":...,"session":1,"kind":"tcp-listen","event":"received",...}.
// Fields come in the documented order; those that do not apply are left out.
QByteArray recordLine(const TrafficEvent &event);

// Whether an event belongs in the record: every traffic event does; log-only notes
// ("sent FIN with shutdown(SHUT_WR)") do not.
bool isRecorded(const TrafficEvent &event);
