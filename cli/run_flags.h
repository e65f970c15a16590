// The short forms `berth run` takes for extra ports and volumes, as docker compose reads them:
// -p "[IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]" and -v "SOURCE:TARGET[:ro|rw]" or "TARGET".
#pragma once

#include <string>

#include "compose/model.h"

namespace berth::cli {

// Throws berth::Error saying what is wrong and the form expected.
compose::ServicePort parse_publish(const std::string& text);
// A SOURCE that is a path (/, ., ~) makes a bind mount (relative ones made absolute against the
// current directory); a name, a volume of the project; no SOURCE, an anonymous volume.
compose::ServiceVolume parse_volume(const std::string& text);

}  // namespace berth::cli
