#include "domain/changeset/change_type.h"

namespace amiplace {

void ChangeTypeRegistry::Register(std::unique_ptr<ChangeTypeHandler> handler) {
  auto key = std::make_pair(std::string(handler->entity_type()), std::string(handler->change_type()));
  handlers_[key] = std::move(handler);
}

const ChangeTypeHandler* ChangeTypeRegistry::Find(std::string_view entity_type,
                                                  std::string_view change_type) const {
  auto it = handlers_.find(std::make_pair(std::string(entity_type), std::string(change_type)));
  return it == handlers_.end() ? nullptr : it->second.get();
}

std::vector<std::string> ChangeTypeRegistry::ChangeTypesFor(std::string_view entity_type) const {
  std::vector<std::string> out;
  for (const auto& [key, h] : handlers_) {
    if (key.first == entity_type) out.push_back(key.second);
  }
  return out;
}

bool ChangeTypeRegistry::KnowsEntityType(std::string_view entity_type) const {
  for (const auto& [key, h] : handlers_) {
    if (key.first == entity_type) return true;
  }
  return false;
}

}  // namespace amiplace
