// Precompiled header for the protocol layer: Beast/Asio are the expensive ones.
#pragma once
#include "core/pch.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url.hpp>
#include <spdlog/spdlog.h>
